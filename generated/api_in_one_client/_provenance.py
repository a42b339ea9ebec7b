"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "3393f224e71e320eae1711abf0cf13df37558ff5bbd4c3b31ac27d6b981476c8"
CONFIG_SHA256 = "023a58124de6fc1866732be2556a0e6632fba38a18dbd12cf85934d74a670923"
