# Every API goes to the test session's moto server; credentials come from the environment.
provider "aws" {
  region = "us-east-1"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    apigateway             = var.aws_endpoint
    applicationautoscaling = var.aws_endpoint
    cloudwatch             = var.aws_endpoint
    cloudwatchlogs         = var.aws_endpoint
    ecr                    = var.aws_endpoint
    iam                    = var.aws_endpoint
    kms                    = var.aws_endpoint
    s3                     = var.aws_endpoint
    sagemaker              = var.aws_endpoint
    sns                    = var.aws_endpoint
    sts                    = var.aws_endpoint
    wafv2                  = var.aws_endpoint
  }
}

variable "aws_endpoint" {
  description = "URL of the moto server (https://127.0.0.1:PORT)."
  type        = string
}

variable "image_digest" {
  description = "Digest the SageMaker model serves (sha256:...)."
  type        = string
  default     = "sha256:3f9a1c2e0b7d4a5f6e8c9b0a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e"
}
