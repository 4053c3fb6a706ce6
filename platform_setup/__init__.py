"""Account values in one file (config/platform.yaml), written where they are needed, and the
Terraform → Argo CD hand-over (gitops-bridge cluster registrations).

`python -m platform_setup configure` writes every place that needs an account value;
`register` turns `terraform output -json gitops_bridge` into an Argo CD cluster Secret;
`expand` renders the ApplicationSets for the registered clusters (our expansion, not Argo CD's).
Imports nothing of the project's other packages (it runs before any of them is configured).
"""
