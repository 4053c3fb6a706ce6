# terraform init -backend-config=backend.hcl -backend-config=bucket=$TF_STATE_BUCKET
key          = "staging/terraform.tfstate"
region       = "us-east-1"
encrypt      = true
use_lockfile = true
