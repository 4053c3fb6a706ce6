# Shared by every fragment and included first: shell, tools, directories, ports, the AWS
# emulator. A fragment uses only the variables it defines itself and the ones defined here.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export BENTOML_DO_NOT_TRACK := true
# A repository-local BentoML store keeps models and bentos out of the user's home.
export BENTOML_HOME ?= $(CURDIR)/.bentoml

# Kept between runs and shared by every checkout of this user, keyed by what they hold:
# pinned tools' virtualenvs, the Debian base image's record and packages, uv's downloads.
CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/bikeshare-gitops

# Python: the interpreter that creates virtualenvs, and the project's virtualenv.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
# $(call tool_venv,DIR,PACKAGE==VERSION ...): a virtualenv of pinned packages in DIR, made
# once under a lock (two checkouts may ask at the same time); DIR names the versions.
tool_venv = mkdir -p $(CACHE_DIR) && flock $(1).lock sh -c \
	'test -f $(1)/.complete || { $(PYTHON) -m venv $(1) && $(1)/bin/pip install --quiet $(2) && touch $(1)/.complete; }'
# checkov pins an old boto3, so it lives in a virtualenv of its own (made by mk/python.mk).
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := $(CACHE_DIR)/venv-checkov-$(CHECKOV_VERSION)
export CHECKOV := $(CHECKOV_VENV)/bin/checkov

# Directories: versioned data, recipes too long for make, outputs of push/sign/sbom
# (tests point IMAGE_OUT at a temporary directory).
DATA ?= data
SCRIPTS := $(CURDIR)/scripts
IMAGE_OUT ?= build
# Where `make image` records the built image (tests use their own).
IMAGE_RECORD ?= build/image.env

# The environment a target acts on (terraform, set-image, wf-plan): local|staging|prod.
ENV ?= local

# Loopback ports: `make serve`, the container started by image-run, the OCI registry that
# stands in for ECR, the moto AWS emulator.
PORT ?= 3000
IMAGE_RUN_PORT ?= 3000
REGISTRY_PORT ?= 5055
LOCAL_REGISTRY := 127.0.0.1:$(REGISTRY_PORT)
MOTO_PORT ?= 4566

# Moto (AWS emulator) for ENV=local: one server per checkout, kept between make calls.
MOTO_ENDPOINT := https://127.0.0.1:$(MOTO_PORT)
MOTO_DIR := $(CURDIR)/build/moto
# Fake credentials (the emulator accepts any, real AWS rejects them) and the emulator's
# throw-away certificate: buckets deny requests without TLS, so moto speaks HTTPS.
MOTO_CREDS = export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
	AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=$(MOTO_DIR)/cert.pem;

# Tools the checks need, installed on demand: each fragment adds `TEST_TOOLS += target`
# (make test installs them, in parallel) and, when a test of make test-fast needs it,
# `TEST_FAST_TOOLS += target`.
TEST_TOOLS :=
TEST_FAST_TOOLS :=

# $(call apt_require,pkg ...): install missing Debian packages when running as root (waiting
# for another apt process's lock), otherwise stop with the command to run. A missing tool is a
# clear failure, never a skip.
apt_require = @$(PYTHON) -m scripts.apt_require $(1)

# Shared by the image, gitops and run-here fragments: container scratch (registry storage,
# keys, signatures, policy; tests use their own), the gitops CLI, the period to score.
# Caches kept between runs (debootstrap packages, uv downloads) and per-run scratch.
CONTAINERS_DIR ?= $(CURDIR)/.containers
IMAGE_SCRATCH ?= $(CONTAINERS_DIR)
GITOPS = $(PY) -m gitops
KUBEPLAY = $(PY) -m kubeplay
PERIOD ?=

# Where verification evidence lives (gitops/evidence.py), read by `make promote` and written
# by `make verify`: s3://BUCKET (the environment's artifacts bucket; on moto with
# AWS_ENDPOINT_URL_S3) or a directory, the store's local form.
EVIDENCE_STORE ?= build/evidence
export EVIDENCE_STORE
