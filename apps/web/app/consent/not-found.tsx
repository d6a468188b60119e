// notFound() from the consent page: an interaction id the auth-server does not know (404).
export default function UnknownInteraction() {
  return (
    <div className="card">
      <h1>This sign-in request is not valid</h1>
      <p className="lead">
        The link you followed does not belong to a sign-in request we know. Go back to the app and
        start again.
      </p>
    </div>
  );
}
