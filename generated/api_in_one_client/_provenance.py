"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "401e21ae472646e0cb60d29a2b3dca17e55ec8494cb9bc91d1daa9d6e4947bd2"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "8e7c06a7ed23218f324e7de9fadc75433c3a9a23a111bc6aa3d22c6e64ce730e"
