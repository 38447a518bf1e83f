package helmrun

import (
	"bytes"
	"context"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
)

// collector is the post-renderer the wrappers give Helm: it applies the
// policies to the manifests and keeps the results, but never fails on a
// violation, because the decision waits for the hooks (see gate).
type collector struct {
	ctx      context.Context
	pipeline *pipeline.Pipeline
	out      *transform.Output
	// err is the error Run returned, which Helm wraps.
	err error
}

func (c *collector) Run(rendered *bytes.Buffer) (*bytes.Buffer, error) {
	if len(bytes.TrimSpace(rendered.Bytes())) == 0 {
		c.out = &transform.Output{}
		return rendered, nil
	}
	res, err := c.pipeline.Render(c.ctx, rendered.Bytes())
	if err != nil {
		c.err = err
		return nil, err
	}
	b, err := res.Bytes()
	if err != nil {
		c.err = err
		return nil, err
	}
	c.out = res
	return bytes.NewBuffer(b), nil
}
