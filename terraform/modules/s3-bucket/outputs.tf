output "bucket_id" {
  description = "Name of the bucket (whichever form was created)."
  value       = local.bucket_id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = local.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket."
  value       = module.kms_key.key_arn
}

output "prevent_destroy" {
  description = "Whether the bucket is the prevent_destroy form (aws_s3_bucket.this) rather than this_unprotected."
  value       = length(aws_s3_bucket.this) == 1
}

output "access_log_target_bucket" {
  description = "Bucket that receives this bucket's S3 server access logs, or null when access logging is off."
  value       = one(aws_s3_bucket_logging.this[*].target_bucket)
}
