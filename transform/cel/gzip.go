package cel

import (
	"bytes"
	"compress/gzip"
	"io"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// maxDecompressed bounds what gzip.decompress gives: the largest request
// the API server accepts. Kyverno's implementation reads the whole
// stream, so that a few kilobytes of a resource could decompress into
// gigabytes (a gzip bomb) whatever the cost limit.
const maxDecompressed = celconfig.MaxRequestSizeBytes

// boundedGzip redefines the binding of Kyverno's gzip.decompress (same
// overload, same result) with that bound; cel-go lets a later declaration
// with the same signature replace a binding.
func boundedGzip() cel.EnvOption {
	return cel.Function("gzip.decompress", cel.Overload("decompress_bytes_string",
		[]*cel.Type{cel.BytesType}, cel.StringType, cel.UnaryBinding(decompress)))
}

func decompress(v ref.Val) ref.Val {
	b, ok := v.(types.Bytes)
	if !ok {
		return types.MaybeNoSuchOverloadErr(v)
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return types.WrapErr(err)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxDecompressed+1))
	if err != nil {
		return types.WrapErr(err)
	}
	if int64(len(out)) > maxDecompressed {
		return types.NewErr("gzip.decompress: the value decompresses to more than %d bytes", maxDecompressed)
	}
	return types.String(out)
}
