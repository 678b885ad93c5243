#!/usr/bin/env bash
# `make run`: prepare the embedded defaults (SQLite, filesystem broker), then start a
# Celery worker alongside the development server. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
host="${1:-127.0.0.1}" port="${2:-8000}"
export DEBUG="${DEBUG:-true}"
# Links in e-mails point to the address actually served (make run HOST=… PORT=…).
export SITE_URL="${SITE_URL:-http://$host:$port}"
BIN=.venv/bin
mkdir -p var
$BIN/python manage.py migrate --no-input -v0
$BIN/python manage.py load_reference_data
$BIN/python manage.py seed_demo -v0
$BIN/celery -A config worker --loglevel=WARNING --concurrency=1 --without-mingle --without-gossip >var/celery-worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<TXT

  Parcours TPE tourne sur http://$host:$port/  (administration : http://$host:$port/admin/)
  Comptes de démonstration (mot de passe : demo-parcours-tpe) :
    pilotage@demo.test      équipe de la Métropole (pilotage, administration)
    conseiller1@demo.test   conseiller, Conseillers numériques
    conseiller2@demo.test   conseiller, Tiers-lieu Gisèle-Halimi
    axents@demo.test        administrateur de la structure, Axents
    association@demo.test   conseiller, Anim'Aidants 34
    financeur@demo.test     financeur (Caisse des Dépôts)
  Worker Celery : journal dans var/celery-worker.log. Ctrl+C pour arrêter.

TXT
$BIN/python manage.py runserver "$host:$port"
