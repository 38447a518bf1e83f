package stream

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// YAMLFiles lists the *.yaml and *.yml files under root in fsys,
// recursively and sorted, skipping hidden directories (.git and the like):
// how every command reads a directory of policies, exceptions or resources.
// The paths are fsys paths (slash-separated, starting with root).
func YAMLFiles(fsys fs.FS, root string) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}
