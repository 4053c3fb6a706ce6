# terraform init -backend-config=backend.hcl -backend-config=key=<env>/terraform.tfstate -backend-config=bucket=$TF_STATE_BUCKET
region       = "us-east-1"
encrypt      = true
use_lockfile = true
