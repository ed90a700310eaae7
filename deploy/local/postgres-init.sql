-- Databases of the parts (docker-compose); minwon_tracker is created by Rasa (login_db).
CREATE DATABASE minwon_govapi;
CREATE DATABASE minwon_console;
CREATE DATABASE minwon_notifier;
