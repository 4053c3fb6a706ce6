# Facts about this deployment's accounts (not secrets). Replace with your own account IDs:
# the provider refuses to run against any account but account_id.
account_id = "222222222222"
# The one registry lives in the staging account; prod pulls the digests staging ran.
ecr_repository_url = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare"
