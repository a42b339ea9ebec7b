"""What this package was generated from (written by `make generate`)."""

GENERATOR = "openapi-python-client 0.29.1"
OPENAPI_SHA256 = "1486d1f0b7a968c56d51cef841d75996bbfda878536cefcff5479b4de1111abf"
CONFIG_SHA256 = "b5efdd889ab639faaa6d3d14a3664584a825084c6fb9cf0ab8f1e5f03ed0d810"
TEMPLATES_SHA256 = "930355a0f23e343da54f2da0245ff428a9533cfb0d6f7874c2d35abe2d0754c2"
