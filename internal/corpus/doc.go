// Package corpus finds the renders of real public Helm charts that tests run
// every mode over (../shared/corpus/charts next to the repository, or the
// directory named by $PREADMIT_CORPUS). It is for tests only and must not
// be imported by the commands.
package corpus
