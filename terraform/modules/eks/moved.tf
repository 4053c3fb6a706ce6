# The key moved into ../kms-key (shared with network, s3-bucket, registry): existing states
# follow without replacing the key that encrypts the cluster's secrets.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this[0]
}
