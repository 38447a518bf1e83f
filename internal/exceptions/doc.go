// Package exceptions is "preadmit exceptions list": it reads
// PolicyExceptions the way a render does (pipeline.LoadExceptions,
// pipeline.StreamExceptions) and writes them with owner, reason, expiry
// and days left, as a table or JSON. It must not render or decide exit
// codes.
package exceptions
