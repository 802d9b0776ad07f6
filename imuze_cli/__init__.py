"""Every command line of imuze: `imuze` (with `imuze contract`), `imuze-spec`, `imuze-mock`.

The libraries below (imuze_ext, imuze_contract, imuze_spec, imuze_mock) never import this
package, typer or rich: the arrows run one way (tests/test_house.py). Importing this package
imports nothing, so that each console script loads only what its command needs.
"""
