#!/usr/bin/env bash
# The same Identity Center setup as playbooks/identity_center.yml with benchmarks/identity_center_people.json's
# users, written as a careful shell script with the AWS CLI: it looks each thing up before creating it, so that
# it can be run again (a first run and a re-run), and waits for an assignment that is still IN_PROGRESS.
# Used by benchmarks/identity_center.py to count its API calls; it reads no file and writes none.
set -euo pipefail

read -r INSTANCE STORE < <(aws sso-admin list-instances --query 'Instances[0].[InstanceArn,IdentityStoreId]' --output text)
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)

found() { [ -n "$1" ] && [ "$1" != None ]; }

ensure_user() {  # user_name display_name given_name family_name [email]
  local id
  id=$(aws identitystore get-user-id --identity-store-id "$STORE" \
        --alternate-identifier "{\"UniqueAttribute\": {\"AttributePath\": \"userName\", \"AttributeValue\": \"$1\"}}" \
        --query UserId --output text 2>/dev/null) || id=
  if ! found "$id"; then
    local emails=()
    [ -n "${5:-}" ] && emails=(--emails "Value=$5,Type=work,Primary=true")
    id=$(aws identitystore create-user --identity-store-id "$STORE" --user-name "$1" --display-name "$2" \
          --name "GivenName=$3,FamilyName=$4" "${emails[@]}" --query UserId --output text)
  fi
  echo "$id"
}

ensure_group() {  # display_name description
  local id
  id=$(aws identitystore get-group-id --identity-store-id "$STORE" \
        --alternate-identifier "{\"UniqueAttribute\": {\"AttributePath\": \"displayName\", \"AttributeValue\": \"$1\"}}" \
        --query GroupId --output text 2>/dev/null) || id=
  if ! found "$id"; then
    id=$(aws identitystore create-group --identity-store-id "$STORE" --display-name "$1" --description "$2" --query GroupId --output text)
  fi
  echo "$id"
}

ensure_member() {  # group_id user_id
  aws identitystore get-group-membership-id --identity-store-id "$STORE" --group-id "$1" --member-id "UserId=$2" >/dev/null 2>&1 ||
    aws identitystore create-group-membership --identity-store-id "$STORE" --group-id "$1" --member-id "UserId=$2" >/dev/null
}

declare -A PERMISSION_SETS=()
for arn in $(aws sso-admin list-permission-sets --instance-arn "$INSTANCE" --query 'PermissionSets[]' --output text); do
  PERMISSION_SETS[$(aws sso-admin describe-permission-set --instance-arn "$INSTANCE" --permission-set-arn "$arn" \
                    --query PermissionSet.Name --output text)]=$arn
done

ensure_permission_set() {  # name description session_duration policy_name
  local arn=${PERMISSION_SETS[$1]:-} attached
  if [ -z "$arn" ]; then
    arn=$(aws sso-admin create-permission-set --instance-arn "$INSTANCE" --name "$1" --description "$2" --session-duration "$3" \
           --query PermissionSet.PermissionSetArn --output text)
    attached=
  else
    attached=$(aws sso-admin list-managed-policies-in-permission-set --instance-arn "$INSTANCE" --permission-set-arn "$arn" \
                --query 'AttachedManagedPolicies[].Arn' --output text)
  fi
  case " $attached " in
    *" arn:aws:iam::aws:policy/$4 "*) ;;
    *) aws sso-admin attach-managed-policy-to-permission-set --instance-arn "$INSTANCE" --permission-set-arn "$arn" \
         --managed-policy-arn "arn:aws:iam::aws:policy/$4" ;;
  esac
  echo "$arn"
}

ensure_assignment() {  # permission_set_arn group_id
  local existing status request
  existing=$(aws sso-admin list-account-assignments --instance-arn "$INSTANCE" --account-id "$ACCOUNT" --permission-set-arn "$1" \
              --query "AccountAssignments[?PrincipalId=='$2'].PrincipalId" --output text)
  found "$existing" && return 0
  read -r status request < <(aws sso-admin create-account-assignment --instance-arn "$INSTANCE" --target-id "$ACCOUNT" \
    --target-type AWS_ACCOUNT --permission-set-arn "$1" --principal-type GROUP --principal-id "$2" \
    --query 'AccountAssignmentCreationStatus.[Status,RequestId]' --output text)
  while [ "$status" = IN_PROGRESS ]; do
    sleep 2
    status=$(aws sso-admin describe-account-assignment-creation-status --instance-arn "$INSTANCE" \
              --account-assignment-creation-request-id "$request" --query AccountAssignmentCreationStatus.Status --output text)
  done
  [ "$status" != FAILED ]
}

alice=$(ensure_user alice "Alice Martin" Alice Martin alice@example.com)
bob=$(ensure_user bob "Bob Kim" Bob Kim)
administrators=$(ensure_group Administrators "Full access (the AdministratorAccess permission set)")
power_users=$(ensure_group PowerUsers "Everything but IAM (the PowerUserAccess permission set)")
ensure_member "$administrators" "$alice"
ensure_member "$power_users" "$bob"
admin_ps=$(ensure_permission_set AdministratorAccess "AWS managed AdministratorAccess" PT4H AdministratorAccess)
power_ps=$(ensure_permission_set PowerUserAccess "AWS managed PowerUserAccess" PT8H PowerUserAccess)
ensure_assignment "$admin_ps" "$administrators"
ensure_assignment "$power_ps" "$power_users"
