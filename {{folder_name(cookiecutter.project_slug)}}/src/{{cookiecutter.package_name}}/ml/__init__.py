"""Machine learning on the medallion's tables: will a customer order again within the horizon?

One job per module: `config` (names and settings), `features` (the point-in-time feature
table), `tracking` (which MLflow store and registry), `training` (fit, evaluate, log, register),
`registry` (champion / challenger aliases), `inference` (batch scoring), `model_monitor` (drift
and quality over time), `demo` (synthetic order history for local runs), `cli` (commands).
"""
