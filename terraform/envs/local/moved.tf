# The modules moved into modules/platform: a state made before keeps every resource.
# Terraform allows these only in the root; account/moved.tf says the same for staging/prod.
moved {
  from = module.network
  to   = module.platform.module.network
}

moved {
  from = module.eks
  to   = module.platform.module.eks[0]
}

moved {
  from = module.registry
  to   = module.platform.module.registry[0]
}

moved {
  from = module.artifacts
  to   = module.platform.module.artifacts
}

moved {
  from = module.github_oidc
  to   = module.platform.module.github_oidc
}
