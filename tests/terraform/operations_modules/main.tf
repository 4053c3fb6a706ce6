# The three operations modules applied on moto, wired the way the composition wires them:
# stand-ins for what the platform modules provide (artifacts bucket and key, ECR repository,
# the Container Insights log group), then the modules.
locals {
  name = "bikeshare-ops"

  # The load balancers are made in the cluster by the AWS Load Balancer Controller, so the
  # composition receives them as values. (moto also writes every LB ARN as loadbalancer/app/,
  # NLBs too, and takes a minute to make one.)
  alb = {
    arn_suffix              = "app/k8s-bikeshare-0123456789/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/k8s-bikeshar-bikeshar-0123456789/fedcba9876543210"
  }
  nlb = {
    nlb_arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/k8s-bikeshare-internal/0123456789abcdef"
    nlb_dns_name = "k8s-bikeshare-internal-0123456789abcdef.elb.us-east-1.amazonaws.com"
  }
}

resource "aws_kms_key" "artifacts" {
  description             = "stand-in for modules/artifacts' key"
  deletion_window_in_days = 7
  enable_key_rotation     = true
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "${local.name}-artifacts"
  force_destroy = true
}

resource "aws_ecr_repository" "this" {
  name                 = local.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = true
}

resource "aws_cloudwatch_log_group" "application" {
  name              = "/aws/containerinsights/${local.name}/application"
  retention_in_days = 7
}

module "alarms" {
  source = "../../../terraform/modules/cloudwatch-alarms"

  name                        = local.name
  environment                 = "local"
  cluster_name                = local.name
  scoring_log_group_name      = aws_cloudwatch_log_group.application.name
  kms_deletion_window_in_days = 7
  load_balancer               = local.alb
  runbook_base_url            = "https://github.com/acme-mlops/bikeshare-gitops/blob/main/docs/runbooks"
}

module "sagemaker" {
  source = "../../../terraform/modules/sagemaker-endpoint"

  name                        = local.name
  environment                 = "local"
  image                       = "${aws_ecr_repository.this.repository_url}@${var.image_digest}"
  model_version               = "v-test"
  ecr_repository_arn          = aws_ecr_repository.this.arn
  data_capture_bucket_name    = aws_s3_bucket.artifacts.bucket
  kms_key_arn                 = aws_kms_key.artifacts.arn
  autoscaling                 = { min_instances = 2, max_instances = 3, target_invocations_per_instance = 750 }
  kms_deletion_window_in_days = 7
}

module "api" {
  source = "../../../terraform/modules/api-gateway"

  name                        = local.name
  environment                 = "local"
  allowed_cidrs               = ["203.0.113.0/24", "198.51.100.7/32"]
  throttling                  = { rate_limit = 25, burst_limit = 50 }
  kms_deletion_window_in_days = 7
  eks_backend                 = local.nlb
  sagemaker_endpoint = {
    name = module.sagemaker.endpoint_name
    arn  = module.sagemaker.endpoint_arn
  }
}
