# Where each command builds and serves the browser bundle (sourced by run.sh, test.sh's
# checks and build.sh's callers): the app and the tests never share a site directory, so a
# test build never rewrites the files a running app serves.
APP_SITE=target/site-app          # run.sh (optimised)
APP_DEV_SITE=target/site-app-dev  # DEV=1 run.sh (debug)
TEST_SITE=target/site             # the end-to-end tests (debug)
