# Staging: the one ECR repository and the release role live here; prod pulls the digests
# staging ran. Account values (account_id, prod_account_id, ...) are in
# platform.auto.tfvars.json, written by `make configure`.
create_registry         = true
availability_zone_count = 2
single_nat_gateway      = true
node_group              = { min_size = 2, desired_size = 2, max_size = 4 }

# Operations: CloudWatch alarms and dashboard (the ALB's suffixes join once the Ingress made it).
# Staging's alarms are tickets: the team's list, no pager (docs/operating.md).
alarms = {
  email_subscriptions = ["bikeshare-alerts@acme-mlops.example"]
}

# MLflow: the managed tracking server of the account that trains (docs/day-one.md).
mlflow_tracking_server = {}
