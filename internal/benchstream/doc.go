// Package benchstream generates the synthetic manifest stream preadmit's
// speed is measured on: a typical chart render (Deployments, Services,
// ConfigMaps, CronJobs, StatefulSets, RBAC) repeated to any size, the same
// bytes on every run. It is shared by the Go benchmarks and `make bench`;
// nothing else may import it.
package benchstream
