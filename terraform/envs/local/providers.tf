# Every API the stack uses goes to the emulator. Credentials come from the environment
# (AWS_ACCESS_KEY_ID=test ...), set by `make tf-apply ENV=local` and the test fixture.
provider "aws" {
  region = var.region

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    acm            = var.aws_endpoint
    apigateway     = var.aws_endpoint
    cloudwatch     = var.aws_endpoint
    lambda         = var.aws_endpoint
    sns            = var.aws_endpoint
    wafv2          = var.aws_endpoint
    ec2            = var.aws_endpoint
    ecr            = var.aws_endpoint
    eks            = var.aws_endpoint
    iam            = var.aws_endpoint
    kms            = var.aws_endpoint
    cloudwatchlogs = var.aws_endpoint
    route53        = var.aws_endpoint
    s3             = var.aws_endpoint
    secretsmanager = var.aws_endpoint
    sts            = var.aws_endpoint
  }

  default_tags {
    tags = local.tags
  }
}
