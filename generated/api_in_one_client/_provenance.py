"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "fc1036f77fee8f4618f1ff8310a6407fba52abf4eab398ca80538855478f1ab3"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "07b325b854930fcda0811528b097c76dee2122ff7916e45bcc27d985df48a7be"
