"""{{ cookiecutter.project_name | docstring_text }}.

{{ cookiecutter.description | docstring_text }}
"""

__version__ = "0.1.0"
PROJECT_NAME = {{ cookiecutter.project_name | python_string }}
