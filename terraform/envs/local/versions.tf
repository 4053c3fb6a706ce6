terraform {
  required_version = ">= 1.11"

  # State of the emulated stack is throw-away; the path is passed at init (-backend-config=path=...).
  backend "local" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
