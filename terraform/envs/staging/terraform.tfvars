# Facts about this deployment's accounts (not secrets). Replace with your own account IDs:
# the provider refuses to run against any account but account_id.
account_id      = "111111111111"
prod_account_id = "222222222222"
