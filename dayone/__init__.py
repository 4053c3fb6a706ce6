"""Day one on a new AWS account: the rehearsal on moto under each role's own credentials
(`make rehearse`), and the checks of what a person sets up by hand (`make doctor`).
Imports `model` and `platform_setup`; nothing imports it.
"""
