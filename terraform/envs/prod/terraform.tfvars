# Prod: no registry of its own (it pulls staging's by digest, registry_account_id in
# platform.auto.tfvars.json) and no release role; deploys only from the GitHub environment
# "prod" and its protection rules.
create_registry         = false
availability_zone_count = 3
# One NAT gateway per availability zone: an AZ outage must not cut the others off.
single_nat_gateway = false
node_group         = { min_size = 3, desired_size = 3, max_size = 6 }

# Operations: CloudWatch alarms and dashboard (the ALB's suffixes join once the Ingress made it).
# Prod pages: PagerDuty's CloudWatch integration URL (it carries the integration key, so it
# lives in Secrets Manager, not here) and the team's list (docs/operating.md).
alarms = {
  email_subscriptions = ["bikeshare-alerts@acme-mlops.example"]
  subscriptions = [
    { protocol = "https", endpoint_secret_name = "bikeshare/alarms/pagerduty-endpoint" },
  ]
}
