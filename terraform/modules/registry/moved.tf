# The key moved into ../kms-key (shared with eks, network, s3-bucket): existing states follow
# without replacing the key that encrypts the images.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}
