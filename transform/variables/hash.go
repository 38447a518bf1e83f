package variables

import (
	"crypto/md5"  // #nosec G501 -- Kyverno's md5(), not for security
	"crypto/sha1" // #nosec G505 -- Kyverno's sha1(), not for security
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net"
	"net/url"
)

// hashFunc is Kyverno's sha256, sha1 and md5: the hex digest of a string.
func hashFunc(name string, h func() hash.Hash) func([]interface{}) (interface{}, error) {
	return func(a []interface{}) (interface{}, error) {
		s, err := strArg(name, a, 0)
		if err != nil {
			return nil, err
		}
		d := h()
		d.Write([]byte(s))
		return hex.EncodeToString(d.Sum(nil)), nil
	}
}

// HostResolveError is is_external_url given a host name: Kyverno resolves
// it through DNS, which a render does not do.
type HostResolveError struct {
	Host string
}

func (e *HostResolveError) Error() string {
	return fmt.Sprintf("JMESPath function 'is_external_url': host %q is not an IP address and preadmit does not resolve names", e.Host)
}

// jpIsExternalURL is Kyverno's is_external_url for URLs whose host is an
// IP address: true unless it is a loopback or private address.
func jpIsExternalURL(a []interface{}) (interface{}, error) {
	s, err := strArg("is_external_url", a, 0)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(s)
	if err != nil {
		return false, fmt.Errorf("JMESPath function 'is_external_url': %w", err)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil {
		return nil, &HostResolveError{Host: u.Hostname()}
	}
	return !ip.IsLoopback() && !ip.IsPrivate(), nil
}

var (
	jpSha256 = hashFunc("sha256", sha256.New)
	jpSha1   = hashFunc("sha1", sha1.New)
	jpMd5    = hashFunc("md5", md5.New)
)
