// Package app runs preadmit's commands: it loads policies (the embedded
// library and the user's), runs the engine, and routes manifests to stdout
// and reports to the channels a person actually sees. It turns outcomes into
// typed exit errors; the cobra commands in cmd/preadmit only parse flags and
// call it.
package app
