package kyvernotest

import "testing"

// FuzzDecodeTest feeds arbitrary bytes to the test file decoder and
// checker: errors are fine, panics and hangs are not.
func FuzzDecodeTest(f *testing.F) {
	f.Add([]byte("apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\npolicies: [p.yaml]\nresources: [r.yaml]\nresults:\n- policy: p\n  rule: r\n  kind: Pod\n  resources: [a]\n  result: pass\n"))
	f.Add([]byte("name: legacy\npolicies: [p.yaml]\nresources: [r.yaml]\nresults:\n- policy: p\n  rule: r\n  resource: a\n  status: fail\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\npolicies: [p.yaml]\njsonPayloads: [./a.json, a.json, '']\nresults:\n- policy: p\n  resources: [a.json]\n  result: fail\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tt Test
		if err := decodeStrict(b, &tt); err == nil {
			_ = tt.check()
			_ = tt.payloads()
		}
		var v Values
		_ = decodeStrict(b, &v)
	})
}
