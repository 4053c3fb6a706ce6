# Prod: no registry of its own (it pulls staging's by digest, registry_account_id in
# platform.auto.tfvars.json) and no release role; deploys only from the GitHub environment
# "prod" and its protection rules.
create_registry         = false
availability_zone_count = 3
# One NAT gateway per availability zone: an AZ outage must not cut the others off.
single_nat_gateway = false
node_group         = { min_size = 3, desired_size = 3, max_size = 6 }

# Operations: CloudWatch alarms and dashboard (the ALB's suffixes join once the Ingress made it).
alarms = {}
