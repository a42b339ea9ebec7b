"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "d8d914c9b3aea3ec332f235ab9e038600a8d77dd0811140c6a8d2fc83ad5d967"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "da9bf9ab19cecd69dc794e67853a6f75e10b4ade276e611d3971048ea06bdbe7"
