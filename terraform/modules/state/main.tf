data "aws_region" "current" {}

# The state bucket: hardening shared with the artifacts bucket (see ../s3-bucket).
module "bucket" {
  source = "../s3-bucket"

  bucket_name                            = var.bucket_name
  kms_key_description                    = "Terraform state in ${var.bucket_name}"
  kms_deletion_window_in_days            = var.kms_deletion_window_in_days
  prevent_destroy                        = var.prevent_destroy
  force_destroy                          = var.force_destroy
  lifecycle_rule_id                      = "expire-noncurrent-state"
  noncurrent_version_expiration_days     = var.noncurrent_version_expiration_days
  abort_incomplete_multipart_upload_days = 1
  # Optional: at first bootstrap no log bucket exists yet.
  access_logging = var.access_log_bucket == null ? null : { target_bucket = var.access_log_bucket }

  tags = merge(var.tags, { Environment = var.environment })
}
