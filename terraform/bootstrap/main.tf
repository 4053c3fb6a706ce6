module "state" {
  source = "../modules/state"

  bucket_name = var.bucket_name
  environment = var.environment
  # Only the emulated environment may lose its state bucket.
  prevent_destroy             = var.environment != "local"
  force_destroy               = var.environment == "local"
  kms_deletion_window_in_days = var.environment == "local" ? 7 : 30
}
