package variables

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
)

// rsaPublicKey is how Kyverno's x509_decode writes an RSA key.
type rsaPublicKey struct {
	N string
	E int
}

// jpX509Decode decodes a PEM certificate into the JSON form of Go's
// x509.Certificate, with an RSA public key written as {N, E}, as Kyverno does.
func jpX509Decode(a []interface{}) (interface{}, error) {
	s, err := strArg("x509_decode", a, 0)
	if err != nil {
		return nil, err
	}
	res := map[string]interface{}{}
	p, _ := pem.Decode([]byte(s))
	if p == nil {
		return res, errors.New("invalid certificate")
	}
	cert, err := x509.ParseCertificate(p.Bytes)
	if err != nil {
		return res, err
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
		cert.PublicKey = rsaPublicKey{N: k.N.String(), E: k.E}
	}
	b, err := json.Marshal(cert)
	if err != nil {
		return res, err
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return res, err
	}
	return res, nil
}
