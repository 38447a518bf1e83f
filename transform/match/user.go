package match

import (
	"fmt"

	"github.com/preadmit/preadmit/transform/wildcard"
)

// UserInfo is who sends an admission request: the Kyverno CLI's request
// info (a userinfo file's roles, clusterRoles and userInfo).
type UserInfo struct {
	Username string
	UID      string
	Groups   []string
	Extra    map[string][]string
	// Roles are "namespace:name" of the Roles bound to the user;
	// ClusterRoles the names of the ClusterRoles.
	Roles, ClusterRoles []string
}

// IsEmpty reports whether the request info says nothing, which Kyverno
// reads as "no request info": a match block's roles, clusterRoles and
// subjects are then not checked.
func (u *UserInfo) IsEmpty() bool {
	return u.Username == "" && u.UID == "" && len(u.Groups) == 0 && len(u.Extra) == 0 &&
		len(u.Roles) == 0 && len(u.ClusterRoles) == 0
}

// users is the compiled roles, clusterRoles and subjects of a filter.
type users struct {
	roles, clusterRoles []string
	subjects            []subject
}

// subject is an rbac/v1 Subject as Kyverno's CheckSubjects reads it.
type subject struct{ kind, name, namespace string }

func compileUsers(f *Filter) (users, error) {
	u := users{roles: f.Roles, clusterRoles: f.ClusterRoles}
	for i, s := range f.Subjects {
		var sub subject
		for k, dst := range map[string]*string{"kind": &sub.kind, "name": &sub.name, "namespace": &sub.namespace} {
			switch v := s[k].(type) {
			case nil:
			case string:
				*dst = v
			default:
				return users{}, fmt.Errorf("subjects[%d].%s: expected a string, got %T", i, k, v)
			}
		}
		u.subjects = append(u.subjects, sub)
	}
	return u, nil
}

func (u *users) isEmpty() bool {
	return len(u.roles) == 0 && len(u.clusterRoles) == 0 && len(u.subjects) == 0
}

// matches is Kyverno's user info check of a condition block
// (doesResourceMatchConditionBlock): each list given must hold one of the
// request's roles, clusterRoles or match its user.
func (u *users) matches(info *UserInfo) bool {
	if len(u.roles) > 0 && !anyOf(u.roles, info.Roles) {
		return false
	}
	if len(u.clusterRoles) > 0 && !anyOf(u.clusterRoles, info.ClusterRoles) {
		return false
	}
	if len(u.subjects) > 0 && !u.subjectMatches(info) {
		return false
	}
	return true
}

// subjectMatches is Kyverno's CheckSubjects: a ServiceAccount subject is
// the user system:serviceaccount:NAMESPACE:NAME; names are wildcards.
func (u *users) subjectMatches(info *UserInfo) bool {
	for _, s := range u.subjects {
		switch s.kind {
		case "ServiceAccount":
			if wildcard.Match("system:serviceaccount:"+s.namespace+":"+s.name, info.Username) {
				return true
			}
		case "Group":
			for _, g := range info.Groups {
				if wildcard.Match(s.name, g) {
					return true
				}
			}
		case "User":
			if wildcard.Match(s.name, info.Username) {
				return true
			}
		}
	}
	return false
}

// anyOf reports whether the lists share an element, as Kyverno's
// SliceContains (no wildcards).
func anyOf(want, have []string) bool {
	for _, h := range have {
		if contains(want, h) {
			return true
		}
	}
	return false
}
