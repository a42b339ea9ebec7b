"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "7217345d1f44478d8ed179979751f2b07075019619c22c9001797b0d37d6bd13"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "da9bf9ab19cecd69dc794e67853a6f75e10b4ade276e611d3971048ea06bdbe7"
