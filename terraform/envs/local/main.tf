# The emulated platform: the composition every environment uses, sized down and disposable
# (no prevent_destroy, buckets and registry destroyed with their content).
locals {
  tags = { Project = "bikeshare", Environment = "local", ManagedBy = "terraform" }
}

# The host's public zone, which a person makes on day one in a real account (docs/day-one.md,
# dns-zone); here the root makes it, so that the Ingress certificate, its validation record
# and external-dns's role are applied on the emulator too.
resource "aws_route53_zone" "ingress" {
  #checkov:skip=CKV2_AWS_38:The emulator's stand-in for the zone a person makes on day one; DNSSEC signing is that zone owner's choice, not this root's.
  #checkov:skip=CKV2_AWS_39:The emulator's stand-in for the zone a person makes on day one; query logging is that zone owner's choice, not this root's.
  name          = var.dns_zone
  force_destroy = true
}

module "platform" {
  source = "../../modules/platform"

  environment       = "local"
  account_id        = var.account_id
  region            = var.region
  vpc_cidr          = var.vpc_cidr
  github_repository = var.github_repository
  disposable        = true
  node_group        = { instance_types = ["t3.large"], min_size = 1, desired_size = 1, max_size = 2 }
  # One emulated account stands in for both deploy targets.
  deploy_environments = ["staging", "prod"]
  # moto 5.2 has no EKS add-on or Pod Identity API: roles yes, associations no
  # (modules/platform and modules/eks test those with a mocked provider).
  create_pod_identity_associations = false
  # Off by default, as in every environment; the Lambda target's moto test turns it on with
  # a release file of its own (tests/terraform/test_tf_lambda_target.py).
  deployment_targets = var.deployment_targets
  release_file       = var.release_file
  api_gateway        = length(var.api_allowed_cidrs) == 0 ? null : { allowed_cidrs = var.api_allowed_cidrs }
  lambda             = { reserved_concurrency = 2 }
  # Null: local state. The day-one rehearsal keeps the state in the emulated state bucket,
  # so that the plan and deploy roles get (and are checked for) their state grants.
  state_bucket = var.state_bucket
  # The zone above, by ID (a real account's root looks its zone up by name).
  ingress_certificate = {
    host    = "bikeshare.${aws_route53_zone.ingress.name}"
    zone    = aws_route53_zone.ingress.name
    zone_id = aws_route53_zone.ingress.zone_id
  }
}
