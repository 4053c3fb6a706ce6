output "bucket_name" {
  description = "Name of the state bucket."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = module.bucket.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state."
  value       = module.bucket.kms_key_arn
}

output "backend_config" {
  description = "Settings for an S3 backend block or -backend-config flags (add key per root)."
  value = {
    bucket       = module.bucket.bucket_id
    region       = data.aws_region.current.name
    encrypt      = true
    kms_key_id   = module.bucket.kms_key_arn
    use_lockfile = true
  }
}
