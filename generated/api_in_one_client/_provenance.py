"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "ead7e47c20264e9cf98d5139de637b3e2f73752393a5653a7edce579b3af7953"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "8e7c06a7ed23218f324e7de9fadc75433c3a9a23a111bc6aa3d22c6e64ce730e"
