"""A small local stand-in for `dbutils`, enough for Python notebooks run as job tasks.

It covers what task notebooks use: `dbutils.widgets` (text, dropdown, combobox,
multiselect, get, getAll, remove, removeAll) and `dbutils.notebook.exit`. Anything else raises
an AttributeError that names the missing utility, instead of pretending to work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping


class WidgetNotDefinedError(KeyError):
    """`dbutils.widgets.get(name)` for a widget that was neither created nor passed in."""

    def __str__(self) -> str:
        return str(self.args[0])


class NotebookExit(Exception):  # noqa: N818 (named after dbutils.notebook.exit)
    """Raised by `dbutils.notebook.exit(value)` to end the notebook early with a value."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


class LocalWidgets:
    """Widget values: parameters passed to the run win over defaults given when created."""

    def __init__(
        self, parameters: Mapping[str, str], localize: Callable[[str, str], str] | None = None
    ) -> None:
        self._parameters = dict(parameters)
        self._defaults: dict[str, str] = {}
        self._localize = localize or (lambda _name, value: value)

    def text(self, name: str, defaultValue: str = "", label: str | None = None) -> None:  # noqa: N803
        self._defaults[name] = defaultValue

    def dropdown(
        self,
        name: str,
        defaultValue: str,  # noqa: N803 (dbutils' own argument names)
        choices: Iterable[str],
        label: str | None = None,
    ) -> None:
        choices = list(choices)
        if defaultValue not in choices:
            raise ValueError(
                f"widget {name!r}: default {defaultValue!r} is not one of its choices {choices}"
            )
        self._defaults[name] = defaultValue

    def combobox(
        self,
        name: str,
        defaultValue: str,  # noqa: N803
        choices: Iterable[str] = (),
        label: str | None = None,
    ) -> None:
        self._defaults[name] = defaultValue

    def multiselect(
        self,
        name: str,
        defaultValue: str,  # noqa: N803
        choices: Iterable[str],
        label: str | None = None,
    ) -> None:
        self.dropdown(name, defaultValue, choices, label)

    def get(self, name: str) -> str:
        if name in self._parameters:
            return self._localize(name, self._parameters[name])
        if name in self._defaults:
            return self._localize(name, self._defaults[name])
        known = sorted({*self._parameters, *self._defaults})
        raise WidgetNotDefinedError(
            f"no input widget named {name!r} is defined (known: {', '.join(known) or 'none'}); "
            f"create it with dbutils.widgets.text({name!r}, '<default>') or pass it as a parameter"
        )

    def getAll(self) -> dict[str, str]:  # noqa: N802 (dbutils' own method name)
        names = {*self._defaults, *self._parameters}
        return {name: self.get(name) for name in sorted(names)}

    def remove(self, name: str) -> None:
        self._defaults.pop(name, None)

    def removeAll(self) -> None:  # noqa: N802
        self._defaults.clear()


class LocalNotebookUtils:
    def exit(self, value: str) -> None:
        raise NotebookExit(str(value))


class LocalDbutils:
    """`dbutils` for local runs: widgets and notebook.exit."""

    def __init__(self, widgets: LocalWidgets) -> None:
        self.widgets = widgets
        self.notebook = LocalNotebookUtils()

    def __getattr__(self, name: str) -> object:
        raise AttributeError(
            f"dbutils.{name} is not available when running locally; only dbutils.widgets and "
            "dbutils.notebook.exit are. Move that call into a workspace-only cell."
        )
