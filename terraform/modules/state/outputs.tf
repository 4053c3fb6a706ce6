output "bucket_name" {
  description = "Name of the state bucket."
  value       = local.bucket_id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = local.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state."
  value       = aws_kms_key.this.arn
}

output "backend_config" {
  description = "Settings for an S3 backend block or -backend-config flags (add key per root)."
  value = {
    bucket       = local.bucket_id
    region       = data.aws_region.current.name
    encrypt      = true
    kms_key_id   = aws_kms_key.this.arn
    use_lockfile = true
  }
}
