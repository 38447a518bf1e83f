package transform

import (
	"strings"

	"github.com/preadmit/preadmit/transform/match"
)

// setUserInfo sets the request's user in a unit's context as Kyverno's
// AddUserInfo and AddServiceAccount do: request.roles and
// request.clusterRoles when given, request.userInfo with the fields given
// (omitempty, as the API types), and serviceAccountName and
// serviceAccountNamespace from a system:serviceaccount:NAMESPACE:NAME user.
func setUserInfo(top, req map[string]interface{}, ui *match.UserInfo) {
	if len(ui.Roles) > 0 {
		req["roles"] = anyStrings(ui.Roles)
	}
	if len(ui.ClusterRoles) > 0 {
		req["clusterRoles"] = anyStrings(ui.ClusterRoles)
	}
	info := map[string]interface{}{}
	if ui.Username != "" {
		info["username"] = ui.Username
	}
	if ui.UID != "" {
		info["uid"] = ui.UID
	}
	if len(ui.Groups) > 0 {
		info["groups"] = anyStrings(ui.Groups)
	}
	if len(ui.Extra) > 0 {
		extra := make(map[string]interface{}, len(ui.Extra))
		for k, v := range ui.Extra {
			extra[k] = anyStrings(v)
		}
		info["extra"] = extra
	}
	req["userInfo"] = info
	top["serviceAccountName"], top["serviceAccountNamespace"] = serviceAccount(ui.Username)
}

// serviceAccount is Kyverno's AddServiceAccount: the name and namespace of
// a service account user, "" and "" for anyone else.
func serviceAccount(username string) (name, namespace string) {
	const prefix = "system:serviceaccount:"
	if len(username) <= len(prefix) {
		return "", ""
	}
	parts := strings.Split(username[len(prefix):], ":")
	if len(parts) < 2 {
		return "", ""
	}
	return parts[1], parts[0]
}

func anyStrings(s []string) []interface{} {
	out := make([]interface{}, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}
