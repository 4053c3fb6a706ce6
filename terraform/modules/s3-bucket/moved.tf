# The key moved into ../kms-key (shared with eks, network, registry): existing states follow
# without replacing the key that encrypts the bucket. Chains with the moves in
# ../artifacts/moved.tf and ../state/moved.tf for states older than this module.
moved {
  from = aws_kms_key.this
  to   = module.kms_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.kms_key.aws_kms_alias.this[0]
}
