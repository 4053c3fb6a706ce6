output "bucket_name" {
  description = "Name of the artifacts bucket."
  value       = module.bucket.bucket_id
}

output "bucket_arn" {
  description = "ARN of the artifacts bucket."
  value       = module.bucket.bucket_arn
}

output "access_log_bucket_name" {
  description = "Name of the bucket that receives S3 server access logs."
  value       = aws_s3_bucket.logs.id
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the artifacts."
  value       = module.bucket.kms_key_arn
}

output "read_write_policy_arn" {
  description = "ARN of the IAM policy granting read/write on the artifacts (attach to workload and CI roles)."
  value       = aws_iam_policy.read_write.arn
}
