# The flow-log key moved into ../kms-key (shared with eks, s3-bucket, registry): existing
# states follow without replacing the key that encrypts the flow-log group.
moved {
  from = aws_kms_key.flow_logs
  to   = module.flow_logs_key.aws_kms_key.this
}
