output "alarms" {
  description = "Outputs of the cloudwatch-alarms module."
  value       = module.alarms
}

output "sagemaker" {
  description = "Outputs of the sagemaker-endpoint module."
  value       = module.sagemaker
}

output "api" {
  description = "Outputs of the api-gateway module."
  value       = module.api
}

output "prerequisites" {
  description = "The stand-ins the modules were given."
  value = {
    artifacts_kms_key_arn = aws_kms_key.artifacts.arn
    artifacts_bucket      = aws_s3_bucket.artifacts.bucket
    ecr_repository_arn    = aws_ecr_repository.this.arn
    ecr_repository_url    = aws_ecr_repository.this.repository_url
    load_balancer         = local.alb
    eks_backend           = local.nlb
    scoring_log_group     = aws_cloudwatch_log_group.application.name
  }
}
