"""Operations keeps no models. The module is here so that `migrate` signals this app when it
ends (Django signals only apps with a models module): see ``OpsConfig.ready``."""
